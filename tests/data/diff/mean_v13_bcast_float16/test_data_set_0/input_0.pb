
Bx0J}´iCd½