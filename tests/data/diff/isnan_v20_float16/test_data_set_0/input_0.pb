
BxJç=F;