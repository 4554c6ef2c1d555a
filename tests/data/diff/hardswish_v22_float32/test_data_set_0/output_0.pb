ByJ
®X¾