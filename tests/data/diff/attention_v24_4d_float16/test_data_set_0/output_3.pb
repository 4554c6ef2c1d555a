
Bqk_matmul_outputJ7¨êAı¿z;¶¿C¡Í¿gæ≤ºn√ô@w¡