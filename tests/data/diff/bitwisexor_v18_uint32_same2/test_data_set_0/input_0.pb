BaJ0UuºÇvÇñžU¾-¼Ä	Ìç xØÒWŒ7O"hFõ?
‘gÈE‹“ž27Z%óco¦