BxJž€T¿PY@µ
kÀþS@Ms5À§þT@