
B	attn_maskJdBşÀAW½µë<‹>ó½ú9