
ByJўJЊДOМаMнDqBєМ¤LLCHЇE