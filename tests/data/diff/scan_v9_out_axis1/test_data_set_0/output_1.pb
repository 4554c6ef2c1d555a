BysJ.9ù@¡
0AÚŸA$ñ*A=;BA5tA