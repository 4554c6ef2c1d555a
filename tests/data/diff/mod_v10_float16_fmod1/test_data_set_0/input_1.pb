
BbJÚ9h<…7nÀU¼ ·c¸H?qA½z>IÀö8×?$>