BscaleJ
(?:¿?m¿Ö¿