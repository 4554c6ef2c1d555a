(
BxJP¸V¬ÚxÑñ[ÊÒ2ÃXÐ|XGXÜ ÑgUïT‚ÙÀÕÌÖ'[Ì¯UKÜcÙTYšÙÒYw\Õ¡Ö\SùKwÔùY³Ø£Z†\XÕøÕüÙ