BscaleJk›’¿£©Î¿ï!
@