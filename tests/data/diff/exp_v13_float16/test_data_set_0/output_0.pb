
ByJ$^E©>¾4PA(=!8W9CŠFA
I1KA¾9e/²0Ä5N