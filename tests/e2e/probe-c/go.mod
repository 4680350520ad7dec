module probec

go 1.19
