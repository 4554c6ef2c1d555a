
By0JUA|π¿x¿E∫æ