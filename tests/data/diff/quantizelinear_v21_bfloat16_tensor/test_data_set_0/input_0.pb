BxJ$’AŽA‡A
ÁlÀÀÀ8À®@wAA{A4AAŒÀˆA‹@oÁ0¿