
BYJ¤CÃ8[´DD