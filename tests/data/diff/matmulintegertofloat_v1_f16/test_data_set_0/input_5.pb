
BbiasJ
gÀ(¶2¿#,ª