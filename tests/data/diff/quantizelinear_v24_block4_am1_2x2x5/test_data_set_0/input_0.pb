BxJP×XÂÂ
ûBYÉ7BT¯B(6ÃzNNÂ²ixÂ˜þBœcIB#B¾3Â•[ŸÂH
ÃúGJAÉnËB\pBQÏÃ¥½ŠBušÂìÄöB