BbzJ
ØQ¢V>aÕ