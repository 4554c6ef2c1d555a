(
BxJPiË…ÓÛÑHSÍæR©X@YµÕjLDÔ›ÛÎYÁX”Ð$PlÚ¼Ù@Ú^ÙQØ&[LÙ9Z]É–ZBM½ÚˆÛ]QØ~XŸGZTÔZ„[(Z:ÛüØõØ