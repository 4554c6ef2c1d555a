
ByJ;B…:Ý@aC;BZÀÝ@aC;BÅ½Ý@aC