# The models live in the migrations: this fixture is about their history.
