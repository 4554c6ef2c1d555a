
Bqk_matmul_outputJY@Ù@©&8:Á5¾ÄA