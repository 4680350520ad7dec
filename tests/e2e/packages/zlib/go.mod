module gotc.test/zlib

go 1.19
