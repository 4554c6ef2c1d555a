
BYJs8<LA´¬;LLèÈ¶HjÁ#¹G‡ÄnBzÁþ1J