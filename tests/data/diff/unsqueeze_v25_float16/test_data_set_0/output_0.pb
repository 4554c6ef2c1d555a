
ByJÀi=wB=
¼EB