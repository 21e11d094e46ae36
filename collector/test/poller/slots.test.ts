import { Slots } from '../../src/poller/slots';

describe('page slots', () => {
  it('lets at most N holders in at once and hands a freed slot to the next in line', async () => {
    const slots = new Slots(2);
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        const release = await slots.acquire();
        inside++;
        most = Math.max(most, inside);
        order.push(i);
        await new Promise((r) => setTimeout(r, 5));
        inside--;
        release();
        release(); // a second release gives nothing back twice
      }),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    const a = await slots.acquire();
    const b = await slots.acquire();
    let third = false;
    void slots.acquire().then(() => (third = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(third).toBe(false);
    a();
    await new Promise((r) => setTimeout(r, 0));
    expect(third).toBe(true);
    b();
  });
});
