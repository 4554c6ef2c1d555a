ByJ<¸ÓüÁÂ¸B9}eBú$+BüŒÁx(qBy
RÁúBÊAê¬Bú³:Á¤™Bú$+Á»yŸB¹&NBogB