
B
past_valueJ ?Ã	<Ñ2cÄ¾¼0Eõ·Ì½B³¶8ÕµC¹?Ñ¿W¼o9