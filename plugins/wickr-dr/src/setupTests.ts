import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI runs every suite at once on two cores: give findBy and waitFor time enough there.
configure({ asyncUtilTimeout: 5_000 });

// The first render of a suite compiles the card's whole tree; under that load it can pass 5 s.
jest.setTimeout(30_000);
