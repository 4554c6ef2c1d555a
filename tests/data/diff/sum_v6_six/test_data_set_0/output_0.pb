ByJ »O> Ú/Àl	§@JPV¿ÀQf½DÁ·¾VŸGA¿I
@