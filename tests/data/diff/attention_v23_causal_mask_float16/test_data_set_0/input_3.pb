
B	attn_maskJ.=@º¿ÈB/µ²:BÁ¸ž¿