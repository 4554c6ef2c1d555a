(
BxJP!ÛcÚóY³YYUX)ÃTTWXWt/¬×èRLµVBØMUgÜN[\Ú»ØZÛyÛLÔèTÜRTŒYÉÚÂÔ1ÙMWf\pVuR@Û¯S0Û