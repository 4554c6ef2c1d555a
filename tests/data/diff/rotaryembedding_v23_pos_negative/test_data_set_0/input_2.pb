	B	sin_cacheJHã…2>„Ô?	#…>dW¥¾M•
?âš÷>|Ü¿N>¯Ñs¾ðû?lQ\¿ø/e¿vvè>ml¿Ú/.¿Ló?;{¿E«I?