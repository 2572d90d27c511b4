class Helper(object):
    x = 1
    def run(self, apps):
        return apps.get_model('a', 'B')
