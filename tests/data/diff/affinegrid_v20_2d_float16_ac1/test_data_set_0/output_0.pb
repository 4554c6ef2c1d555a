
ByJ Í¾@8À @	Á=AÛÁÚA¬ÂwBŸ¼GAA¾äAä¿BÃÀC•Á»Cá¸‹B¼(C¶½ÅCY¿1D~À€D ¬ÏC“·6D»„D*½ÓDÍ¾"EæAfE²@ÂFü>H”<½HW8kI+BV?÷@cB†?ŽD=êEl9FGpBê¾<Aèµ@ì;¨=³@€:kCµBJÅAÝÃM@%Á2>Ú¼•;°0