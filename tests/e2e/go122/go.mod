module gotc.invalid/go122

go 1.22
