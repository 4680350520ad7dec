module gotc.test/sqlite

go 1.19
