
BxJ¦ºuD 5ØA›Dõ¾