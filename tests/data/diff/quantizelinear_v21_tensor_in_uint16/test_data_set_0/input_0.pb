BxJxX?ãFÆžF>¨F¥,ùF
$ÁFÒ†G‹"yFvaÄFúÝE©>¹FÙ¹1Ä¥#òF˜jªFÃwNF†ÁŠF+)G‹½3E1 UF¯‘FìmFïÐIEýF
Eú+ÌF“Ë^F'n½F+ìÞF	ù½E{jÁF¥EaLÎE