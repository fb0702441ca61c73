export interface BookingUser {
  username: string;
  password: string;
}
export interface BookingSeed {
  users: BookingUser[];
}

/** Demo accounts; the drills log in as these (the passwords are demo values, not secrets). */
export const DEMO_BOOKING_SEED: BookingSeed = {
  users: [
    { username: 'barber@6fb.test', password: 'demo-password' },
    { username: 'frontdesk@6fb.test', password: 'demo-password' },
    { username: 'loadtest@6fb.test', password: 'demo-password' },
  ],
};
