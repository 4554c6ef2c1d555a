ByJ@ž€T¿ž€T¿PY@µ
kÀž€T¿ž€T¿PY@µ
kÀþS@þS@Ms5À§þT@þS@þS@Ms5À§þT@