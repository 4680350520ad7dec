module gotc.test/packages

go 1.19
