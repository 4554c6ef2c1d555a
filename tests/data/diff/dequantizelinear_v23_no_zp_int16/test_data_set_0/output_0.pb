ByJ<ÝúFÆOùFF»âE,™!Æ§æ­EùýÆE†ÿ-F
:ÅkwpEË¥˜Eôz©Å±9Ei´Eæ±ÅãÜE