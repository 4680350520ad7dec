module gotc.test/staticlm

go 1.19
