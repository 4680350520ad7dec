module gotc.test/crypto

go 1.19
