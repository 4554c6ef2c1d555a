
BxJ<ßA÷:<a*ZA@RA<AV=i>