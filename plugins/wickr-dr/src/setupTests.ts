import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI runs every suite at once on two cores: give findBy and waitFor time enough there.
configure({ asyncUtilTimeout: 5_000 });
