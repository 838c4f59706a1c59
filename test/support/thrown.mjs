// The error a call throws, for tests that check more of it than toThrow does; a call that does
// not throw fails the test.
export function thrownBy(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
