BysJgBAZˇ4Aå“A }O¿†
Q>(ÍS?