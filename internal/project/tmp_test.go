package project

import "testing"

func BenchmarkTmpLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Load("/tmp/b/src"); err != nil {
			b.Fatal(err)
		}
	}
}
