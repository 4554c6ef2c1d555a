
Bqk_matmul_outputJ<„DÒG‚°zÈLF19w:%Ä<AB¾»¾£<CÒÈKC"¯û¼™·=.¹j¸Z;UCÕG8= Âw>ºAIûD