
BxJÀi=wB=
¼EB