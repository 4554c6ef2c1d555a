
BxJ<´PhÚÜÝÎ'Ü0VuOûZOØAÐiYŸLPÔ
ØU¤ÈMÚ2OÎÑÛÄ×dÑ?\#\¦ZÜñÙ•Ñ
M×Õ